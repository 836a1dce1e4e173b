# == Class: profile::memcached
#
# The cache, through the memcached module of vendor_modules.
class profile::memcached (
  Stdlib::IP::Address $listen_ip = lookup('profile::memcached::listen_ip'),
  Integer $max_memory            = lookup('profile::memcached::max_memory'),
) {
  class { 'memcached':
    listen_ip  => $listen_ip,
    max_memory => $max_memory,
  }
}

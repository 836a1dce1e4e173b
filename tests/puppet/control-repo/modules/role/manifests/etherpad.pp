# == Class: role::etherpad
#
# The collaborative editor, with the cache in front of its database.
class role::etherpad {
  include profile::base
  include profile::etherpad
  include profile::memcached
}

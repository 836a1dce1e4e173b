# == Class: memcached
#
# Installs memcached and keeps it configured. Written for the port-puppet tests, in the
# shape of the operations/puppet modules.
#
# === Parameters
#
# [*size*]
#   Memory for items, in megabytes.
#
# [*port*]
#   The TCP port memcached listens on.
#
# [*ip*]
#   The address to bind to.
#
# [*max_connections*]
#   The most simultaneous connections.
#
# [*growth_factor*]
#   Chunk size growth factor.
#
# [*extra_options*]
#   A hash of extra command-line options (`-o` flags), as { name => value }.
#
# [*version*]
#   The package version to pin, or 'present'.
#
class memcached(
    $size            = 2000,
    $port            = 11211,
    $ip              = '0.0.0.0',
    $max_connections = 1024,
    $growth_factor   = 1.05,
    $extra_options   = {},
    $version         = 'present',
    $enable_tls      = false,
) {
    include ::standard::monitoring

    package { 'memcached':
        ensure => $version,
        before => File['/etc/memcached.conf'],
    }

    File {
        owner => 'root',
        group => 'root',
        mode  => '0644',
    }

    file { '/etc/memcached.conf':
        content => template('memcached/memcached.conf.erb'),
        notify  => Service['memcached'],
    }

    file { '/etc/default/memcached':
        source => 'puppet:///modules/memcached/memcached.default',
    }

    service { 'memcached':
        ensure    => running,
        enable    => true,
        hasstatus => true,
    }

    if $::realm == 'labs' {
        $cluster = 'memcached_labs'
    } else {
        $cluster = hiera('memcached::cluster', 'memcached')
    }

    @@monitoring::service { "${::hostname}-memcached":
        description   => 'memcached socket',
        check_command => "check_tcp!${port}",
    }
}

# == Class: rsync_server
#
# An rsync daemon that shares a few trees read-only, one rsync_server::module each.
#
# @param address The address rsyncd binds to ('' for every address).
# @param port The port rsyncd listens on.
# @param max_connections How many clients at once, per module.
# @param public_root Where the shared trees live.
class rsync_server(
    String  $address         = '',
    Integer $port            = 873,
    Integer $max_connections = 10,
    String  $public_root     = '/srv/public',
) {
    package { 'rsync':
        ensure => installed,
    }

    file { '/etc/rsyncd.d':
        ensure  => directory,
        recurse => true,
        purge   => true,
        owner   => 'root',
        group   => 'root',
        mode    => '0755',
    }

    file { '/etc/rsyncd.conf':
        ensure  => present,
        content => template('rsync_server/rsyncd.conf.erb'),
        mode    => '0644',
        notify  => Service['rsync'],
    }

    file { '/etc/default/rsync':
        content => "# Managed by Puppet\nRSYNC_ENABLE=true\nRSYNC_OPTS='--port ${port}'\n",
        notify  => Service['rsync'],
    }

    rsync_server::module { 'mirror':
        path    => "${public_root}/mirror",
        comment => 'Debian and Ubuntu mirror',
    }

    rsync_server::module { 'dumps':
        path       => "${public_root}/dumps",
        comment    => 'XML dumps',
        hosts_deny => ['10.0.0.0/8'],
    }

    rsync_server::module { 'private':
        path        => '/srv/private',
        read_only   => 'no',
        hosts_allow => ['127.0.0.1', '::1'],
        auth_users  => ['backup'],
    }

    service { 'rsync':
        ensure  => running,
        require => Package['rsync'],
    }

    Rsync_server::Module <| tag == 'extra' |>
}

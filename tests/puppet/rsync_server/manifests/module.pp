# == Define: rsync_server::module
#
# One shared tree of rsync_server, written to /etc/rsyncd.d/<title>.conf.
#
# [*path*]        The directory shared.
# [*comment*]     Shown to clients that list modules.
# [*read_only*]   'yes' or 'no'.
# [*hosts_allow*] Clients allowed (all when empty).
# [*hosts_deny*]  Clients refused.
# [*auth_users*]  Users who must log in.
define rsync_server::module(
    $path,
    $comment     = undef,
    $read_only   = 'yes',
    $hosts_allow = [],
    $hosts_deny  = [],
    $auth_users  = [],
    $ensure      = present,
) {
    include rsync_server

    file { $path:
        ensure => directory,
        mode   => '0755',
    }

    file { "/etc/rsyncd.d/${title}.conf":
        ensure  => $ensure,
        content => template('rsync_server/module.conf.erb'),
        require => File['/etc/rsyncd.d', $path],
        notify  => Service['rsync'],
    }
}

# @summary Runs statsd-proxy, which spreads statsd metrics over several backends.
#
# Shaped like the operations/puppet daemons that ship their own systemd unit.
#
# @param port
#   The UDP and TCP port the proxy listens on.
# @param backends
#   The statsd backends, as host:port.
# @param threads
#   Worker threads.
# @param log_level
#   How much the proxy logs.
# @param flush_interval
#   Seconds between flushes.
# @param health_check Whether to answer health checks on the admin port.
# @param admin_port The admin (health check) port.
# @param prefix A prefix for every metric name, if any.
class statsd_proxy(
    Stdlib::Port                           $port           = 8125,
    Array[String]                          $backends       = ['statsd1001:8125', 'statsd1002:8125'],
    Integer[1, 64]                         $threads        = 4,
    Enum['debug', 'info', 'warn', 'error'] $log_level      = 'info',
    Float                                  $flush_interval = 1.5,
    Boolean                                $health_check   = true,
    Optional[Stdlib::Port]                 $admin_port     = undef,
    Optional[String]                       $prefix         = undef,
    Variant[Integer, String]               $buffer         = '64k',
) {
    require_package('socat')

    group { 'statsd-proxy':
        ensure => present,
        system => true,
    }

    user { 'statsd-proxy':
        ensure => present,
        gid    => 'statsd-proxy',
        home   => '/nonexistent',
        shell  => '/bin/false',
        system => true,
    }

    file { '/etc/statsd-proxy':
        ensure => directory,
        owner  => 'root',
        group  => 'root',
        mode   => '0755',
    }

    file { '/etc/statsd-proxy/proxy.conf':
        ensure  => file,
        owner   => 'statsd-proxy',
        group   => 'statsd-proxy',
        mode    => '0440',
        content => template('statsd_proxy/proxy.conf.erb'),
        require => File['/etc/statsd-proxy'],
    }

    file { '/lib/systemd/system/statsd-proxy.service':
        content => template('statsd_proxy/statsd-proxy.service.erb'),
    }

    package { 'statsd-proxy':
        ensure => '2.1.0-1',
    }

    service { 'statsd-proxy':
        ensure    => running,
        enable    => true,
        provider  => 'systemd',
        subscribe => [
            File['/etc/statsd-proxy/proxy.conf'],
            File['/lib/systemd/system/statsd-proxy.service'],
        ],
    }

    Package['statsd-proxy'] -> File['/etc/statsd-proxy/proxy.conf'] ~> Service['statsd-proxy']

    if $facts['os']['family'] != 'Debian' {
        fail("statsd_proxy supports Debian only, not ${facts['os']['family']}")
    }
}

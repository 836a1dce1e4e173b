# == Class: profile::etherpad
#
# Etherpad Lite: its settings (an EPP template), its skins (a directory of files) and its
# service. The database password comes from the private module `passwords`.
class profile::etherpad (
  Stdlib::IP::Address $listen_ip = lookup('profile::etherpad::listen_ip'),
  Stdlib::Port $listen_port      = lookup('profile::etherpad::listen_port', {'default_value' => 9001}),
  String $db_host                = lookup('profile::etherpad::db_host'),
  String $db_name                = 'etherpad',
) {
  include passwords::etherpad
  $db_password = $passwords::etherpad::etherpad_db_pass

  package { 'etherpad-lite':
    ensure => present,
  }

  file { '/etc/etherpad-lite/settings.json':
    ensure  => file,
    owner   => 'root',
    group   => 'root',
    mode    => '0640',
    content => epp('profile/etherpad/settings.json.epp', {
      'listen_ip'   => $listen_ip,
      'listen_port' => $listen_port,
      'db_host'     => $db_host,
      'db_name'     => $db_name,
      'db_password' => $db_password,
    }),
    require => Package['etherpad-lite'],
    notify  => Service['etherpad-lite'],
  }

  file { '/usr/share/etherpad-lite/src/static/skins':
    ensure  => directory,
    source  => 'puppet:///modules/profile/etherpad/skins',
    recurse => true,
    mode    => '0644',
    require => Package['etherpad-lite'],
  }

  service { 'etherpad-lite':
    ensure => running,
    enable => true,
  }
}

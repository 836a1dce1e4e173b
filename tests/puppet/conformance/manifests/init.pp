# Constructs Puppet 7 accepts and our parser once refused; tests/e2e/puppet_conformance.rs
# checks that `puppet parser validate` and our parser agree on every file here.
class conformance (
  String $ensure = present,
  Integer $port = 8080,
) {
  # A keyword as the variable of an interpolation.
  $unless = 'WHERE 1'
  $query = "select ${unless}(1)"
  exec { 'conformance-query':
    command => "/bin/echo ${query}",
    unless  => '/bin/false',
  }
  # Hyphens in bare words.
  $options = { 'unless' => 1, display-name => 'conformance' }
  # `present {`: the body of the if, not a resource.
  if $ensure == present {
    include conformance::collectors
  }
  case $ensure {
    present: { $label = String($port) }
    default: { $label = Sensitive('hidden') }
  }
  # A call with a space before its arguments.
  ensure_packages ( 'conformance', { ensure => $ensure })
  file { '/etc/conformance.conf':
    content => "port=${label} double=${conformance::double($port)}\n",
  }
}

class conformance::refused::attribute_without_colon {
  file { '/etc/a' ensure => file }
}

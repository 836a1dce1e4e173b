# Collectors anywhere in chains.
class conformance::collectors {
  File <| tag == 'conformance' |> -> Package <| |> ~> Service['conformance']
  Exec['conformance-query'] -> User <| |> -> Group <| title == 'conformance' |>
  Package['conformance'] -> File <| |> { mode => '0644' }
  service { 'conformance': ensure => running }
}

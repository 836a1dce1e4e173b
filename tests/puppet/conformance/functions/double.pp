# A function written in Puppet.
function conformance::double(Integer $x) >> Integer {
  $x * 2
}

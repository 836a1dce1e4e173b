# Tools every host has.
class profile::base (
  Array[String] $packages = lookup('profile::base::packages', Array[String], 'first', ['curl']),
) {
  ensure_packages($packages)
}

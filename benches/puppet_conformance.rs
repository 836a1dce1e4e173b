//! The conformance check of `formula port-puppet` on every module Debian packages for Puppet,
//! which takes minutes: `bash dev/puppet-conformance.sh` runs it. CI runs a sample
//! (`tests/e2e/puppet_conformance.rs`, whose code this shares).
//!
//! ```sh
//! cargo bench -p formula-cli --bench puppet_conformance            # /usr/share/puppet/modules
//! PUPPET_MODULES=DIR cargo bench -p formula-cli --bench puppet_conformance
//! ```

#[path = "../tests/e2e/support/mod.rs"]
mod support;

#[allow(dead_code)]
#[path = "../tests/e2e/puppet_conformance.rs"]
mod puppet_conformance;

fn main() {
    puppet_conformance::debian_modules_whole_set();
}

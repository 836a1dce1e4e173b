#!/usr/bin/env bash
# Conformance of `formula port-puppet` with Puppet 7 on every module Debian packages: each
# `.pp` is parsed by our parser and by `puppet parser validate` (same verdict required), and
# each module's main class is ported and linted. Prints every difference, then the figures
# docs/port-puppet.md quotes. CI runs a sample of the modules (tests/e2e/puppet_conformance.rs).
#
#   bash dev/puppet-conformance.sh            # the modules under /usr/share/puppet/modules
#   PUPPET_MODULES=DIR bash dev/puppet-conformance.sh
#
# dev/setup.sh installs Debian's puppet and puppet-module-* packages.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo bench -q -p formula-cli --bench puppet_conformance

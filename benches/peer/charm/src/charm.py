#!/usr/bin/env python3
"""The benchmark's peer charm: each handler does what the bash hook does with two tool calls."""

import ops


class BenchPeerCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.config_changed, self._on_config_changed)
        framework.observe(self.on.api_relation_changed, self._on_api_relation_changed)

    def _on_config_changed(self, event: ops.ConfigChangedEvent):
        # config-get greeting; status-set active "$greeting"
        greeting = str(self.config["greeting"])
        self.unit.status = ops.ActiveStatus(greeting)

    def _on_api_relation_changed(self, event: ops.RelationChangedEvent):
        # relation-get greeting "$JUJU_REMOTE_UNIT"; relation-set greeting=…
        if event.unit is None:
            return
        greeting = event.relation.data[event.unit].get("greeting", "")
        event.relation.data[self.unit]["greeting"] = greeting


if __name__ == "__main__":  # pragma: nocover
    ops.main(BenchPeerCharm)

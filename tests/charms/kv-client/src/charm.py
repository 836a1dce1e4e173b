#!/usr/bin/env python3
"""A client of kv: active once a store has told it its greeting, blocked without one."""

import pathlib

import ops

# What the store said, for `juju exec` to read.
TOLD = pathlib.Path("told.txt")


class KvClientCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        for event in (
            self.on.install,
            self.on.config_changed,
            self.on.kv_relation_changed,
            self.on.kv_relation_broken,
        ):
            framework.observe(event, self._assess)

    def _assess(self, event: ops.EventBase):
        relation = self.model.get_relation("kv")
        if relation is None or isinstance(event, ops.RelationBrokenEvent):
            TOLD.write_text("")
            self.unit.status = ops.BlockedStatus("needs a kv relation")
            return
        greeting = relation.data[relation.app].get("greeting")
        if not greeting:
            self.unit.status = ops.WaitingStatus("waiting for the store's greeting")
            return
        addresses = sorted(relation.data[u].get("address", "") for u in relation.units)
        TOLD.write_text(f"{greeting} {self.config['name']} from {' '.join(addresses)}\n")
        self.unit.status = ops.ActiveStatus(f"{greeting}, {self.config['name']}")


if __name__ == "__main__":
    ops.main(KvClientCharm)

#!/usr/bin/env python3
"""A key-value store: actions set, get and forget keys; clients on `kv` get a greeting."""

import json
import logging
import pathlib

import ops

logger = logging.getLogger(__name__)

# Kept in the unit's charm directory, so that every hook and action sees the same keys.
STORE = pathlib.Path("store.json")


class KvCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.config_changed, self._on_config_changed)
        framework.observe(self.on.kv_relation_joined, self._publish)
        framework.observe(self.on.leader_elected, self._publish)
        framework.observe(self.on.set_action, self._on_set)
        framework.observe(self.on.get_action, self._on_get)
        framework.observe(self.on.forget_action, self._on_forget)
        framework.observe(self.on.crash_action, self._on_crash)
        framework.observe(self.on.units_action, self._on_units)

    def _on_install(self, event: ops.InstallEvent):
        self.unit.status = ops.MaintenanceStatus("preparing the store")
        if not STORE.exists():
            STORE.write_text("{}")
        self.unit.set_workload_version("1.0")

    def _on_config_changed(self, event: ops.ConfigChangedEvent):
        port = self.config["port"]
        self.unit.set_ports(port)
        self._publish(event)
        self.unit.status = ops.ActiveStatus(f"serving on {port}")

    def _publish(self, event: ops.EventBase):
        binding = self.model.get_binding("kv")
        address = str(binding.network.bind_address) if binding else ""
        for relation in self.model.relations["kv"]:
            relation.data[self.unit]["address"] = address
            relation.data[self.unit]["port"] = str(self.config["port"])
            if self.unit.is_leader():
                relation.data[self.app]["greeting"] = self.config["greeting"]

    def _keys(self) -> dict:
        return json.loads(STORE.read_text()) if STORE.exists() else {}

    def _on_set(self, event: ops.ActionEvent):
        keys = self._keys()
        keys[event.params["key"]] = event.params["value"]
        STORE.write_text(json.dumps(keys))
        event.log(f"stored {event.params['key']}")
        event.set_results({"stored": event.params["key"], "count": len(keys)})

    def _on_get(self, event: ops.ActionEvent):
        key = event.params["key"]
        event.set_results({"key": key, "value": self._keys().get(key, "")})

    def _on_forget(self, event: ops.ActionEvent):
        keys = self._keys()
        key = event.params["key"]
        if key not in keys:
            event.fail(f"no key {key!r}")
            return
        del keys[key]
        STORE.write_text(json.dumps(keys))
        event.set_results({"forgotten": key})

    def _on_units(self, event: ops.ActionEvent):
        goal = ops.hookcmds.goal_state()
        clients = sorted(name for name in goal.relations.get("kv", {}) if "/" not in name)
        event.set_results({"units": " ".join(sorted(goal.units)), "clients": " ".join(clients)})

    def _on_crash(self, event: ops.ActionEvent):
        print("about to crash")
        raise RuntimeError("the crash action always raises")


if __name__ == "__main__":
    ops.main(KvCharm)

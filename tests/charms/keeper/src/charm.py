#!/usr/bin/env python3
"""Keeps the `token` option in a secret shared with its peers, and a journal on its storage."""

import logging
import pathlib

import ops

logger = logging.getLogger(__name__)

LABEL = "token"


class KeeperCharm(ops.CharmBase):
    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.journal_storage_attached, self._on_journal_attached)
        framework.observe(self.on.install, self._on_install)
        framework.observe(self.on.config_changed, self._on_config_changed)
        framework.observe(self.on.replicas_relation_joined, self._on_config_changed)
        framework.observe(self.on.replicas_relation_changed, self._on_peer_changed)
        framework.observe(self.on.secret_changed, self._on_secret_changed)

    def _journal(self) -> pathlib.Path:
        return pathlib.Path(self.model.storages["journal"][0].location) / "journal"

    def _note(self, line: str):
        with self._journal().open("a") as journal:
            journal.write(line + "\n")

    def _on_journal_attached(self, event: ops.StorageAttachedEvent):
        # Runs before install: the storage is there from the start.
        self._note(f"attached {event.storage.full_id} at {event.storage.location}")

    def _on_install(self, event: ops.InstallEvent):
        if "attached" not in self._journal().read_text():
            raise RuntimeError("the journal storage was not attached before install")
        self._note("installed")
        # The file attached as the `motd` resource names the version.
        motd = pathlib.Path(self.model.resources.fetch("motd")).read_text().strip()
        self.unit.set_workload_version(motd)

    def _on_config_changed(self, event: ops.EventBase):
        if not self.unit.is_leader():
            return
        token = self.config["token"]
        # The leader's unit owns the secret, so that its peers read it as observers.
        try:
            secret = self.model.get_secret(label=LABEL)
            if secret.peek_content().get("token") != token:
                secret.set_content({"token": token})
        except ops.SecretNotFoundError:
            secret = self.unit.add_secret({"token": token}, label=LABEL, description="the token")
        relation = self.model.get_relation("replicas")
        if relation is not None:
            secret.grant(relation)
            relation.data[self.app]["secret-id"] = secret.id
        # Trusted: the cloud spec comes from credential-get.
        cloud = self.model.get_cloud_spec().name
        self.unit.status = ops.ActiveStatus(f"keeps {token} on {cloud}")

    def _on_peer_changed(self, event: ops.RelationChangedEvent):
        secret_id = event.relation.data[self.app].get("secret-id")
        if self.unit.is_leader() or not secret_id:
            return
        secret = self.model.get_secret(id=secret_id, label=LABEL)
        self._show(secret.get_content()["token"])

    def _on_secret_changed(self, event: ops.SecretChangedEvent):
        self._show(event.secret.get_content(refresh=True)["token"])

    def _show(self, token: str):
        self._note(f"token {token}")
        self.unit.status = ops.ActiveStatus(f"reads {token}")


if __name__ == "__main__":
    ops.main(KeeperCharm)

"""A key-value store and its client (ops charms), a classic cache and a monitoring
subordinate, driven as an integration test drives them on any Juju."""

import jubilant
import pytest


def test_deploy(juju: jubilant.Juju, charms):
    juju.deploy(charms["kv"], "kv")
    juju.deploy(charms["kv-client"], "kv-client", config={"name": "alice"})
    juju.deploy(charms["cache"], "cache")
    juju.deploy(charms["monitor"], "monitor")
    status = juju.wait(
        lambda s: jubilant.all_active(s, "kv", "cache") and jubilant.all_blocked(s, "kv-client"),
        error=jubilant.any_error,
    )
    assert status.apps["kv"].units["kv/0"].workload_status.message == "serving on 7070"
    assert status.apps["kv"].version == "1.0"
    assert status.apps["kv-client"].units["kv-client/0"].workload_status.message == "needs a kv relation"
    # A subordinate has no units until it is related to a principal.
    assert not status.apps["monitor"].units


def test_integrate(juju: jubilant.Juju):
    juju.integrate("kv-client", "kv")
    status = juju.wait(lambda s: jubilant.all_active(s, "kv", "kv-client"), error=jubilant.any_error)
    assert status.apps["kv-client"].units["kv-client/0"].workload_status.message == "hello, alice"
    assert "kv" in status.apps["kv"].relations


def test_exec_reads_what_the_client_was_told(juju: jubilant.Juju):
    task = juju.exec("cat told.txt", unit="kv-client/0")
    address = juju.status().apps["kv"].units["kv/0"].public_address
    assert task.stdout == f"hello alice from {address}\n"
    task = juju.exec("config-get", "name", unit="kv-client/0")
    assert task.stdout.strip() == "alice"


def test_exec_failure_raises(juju: jubilant.Juju):
    with pytest.raises(jubilant.TaskError) as raised:
        juju.exec("echo no such file >&2; exit 3", unit="kv/0")
    assert raised.value.task.return_code == 3
    assert raised.value.task.stderr == "no such file\n"


def test_exec_on_a_machine(juju: jubilant.Juju):
    machine = juju.status().apps["kv"].units["kv/0"].machine
    task = juju.exec("echo", "on", "the", "machine", machine=machine)
    assert task.stdout == "on the machine\n"


def test_ssh_and_scp(juju: jubilant.Juju, tmp_path):
    assert juju.ssh("kv/0", "echo", "over", "ssh") == "over ssh\n"
    with pytest.raises(jubilant.CLIError) as raised:
        juju.ssh("kv/0", "exit 5")
    assert raised.value.returncode == 5
    sent = tmp_path / "note.txt"
    sent.write_text("across\n")
    juju.scp(sent, "kv/0:note.txt")
    assert juju.ssh("kv/0", "cat note.txt") == "across\n"
    back = tmp_path / "back.txt"
    juju.scp("kv/0:note.txt", back)
    assert back.read_text() == "across\n"


def test_a_users_secret(juju: jubilant.Juju):
    uri = juju.add_secret("kv-admin", {"user": "root", "password": "one"}, info="store admin")
    assert uri.startswith("secret:")
    shown = juju.show_secret("kv-admin", reveal=True)
    assert (shown.owner, shown.revision, shown.description) == ("<model>", 1, "store admin")
    assert shown.content == {"user": "root", "password": "one"}
    juju.update_secret("kv-admin", {"user": "root", "password": "two"})
    juju.grant_secret("kv-admin", "kv")
    [listed] = [s for s in juju.secrets() if s.name == "kv-admin"]
    assert listed.revision == 2
    assert juju.show_secret(uri, reveal=True, revision=1).content["password"] == "one"
    juju.remove_secret(uri)
    assert not [s for s in juju.secrets() if s.name == "kv-admin"]


def test_config(juju: jubilant.Juju):
    assert juju.config("kv")["greeting"] == "hello"
    juju.config("kv", {"greeting": "hi"})
    juju.wait(lambda s: s.apps["kv-client"].units["kv-client/0"].workload_status.message == "hi, alice")
    assert juju.config("kv")["greeting"] == "hi"
    juju.config("kv", reset="greeting")
    juju.wait(lambda s: s.apps["kv-client"].units["kv-client/0"].workload_status.message == "hello, alice")
    assert juju.config("kv")["greeting"] == "hello"


def test_model_config(juju: jubilant.Juju):
    juju.model_config({"update-status-hook-interval": "10m"})
    assert juju.model_config()["update-status-hook-interval"] == "10m"
    juju.model_config(reset="update-status-hook-interval")
    assert juju.model_config()["update-status-hook-interval"] == "5m"


def test_action_succeeds(juju: jubilant.Juju):
    task = juju.run("kv/0", "set", {"key": "colour", "value": "blue"})
    assert task.status == "completed"
    assert task.results == {"stored": "colour", "count": "1"}
    task = juju.run("kv/leader", "get", {"key": "colour"})
    assert task.results["value"] == "blue"


def test_action_fails(juju: jubilant.Juju):
    with pytest.raises(jubilant.TaskError) as raised:
        juju.run("kv/0", "forget", {"key": "size"})
    assert raised.value.task.status == "failed"
    assert raised.value.task.message == "no key 'size'"
    assert raised.value.task.return_code == 0


def test_action_raises(juju: jubilant.Juju):
    with pytest.raises(jubilant.TaskError) as raised:
        juju.run("kv/0", "crash")
    assert raised.value.task.status == "failed"
    assert raised.value.task.return_code != 0
    assert "the crash action always raises" in raised.value.task.stderr


def test_subordinate(juju: jubilant.Juju):
    juju.integrate("monitor", "cache")
    status = juju.wait(
        lambda s: jubilant.all_active(s, "cache", "monitor") and "monitor/0" in s.apps["cache"].units["cache/0"].subordinates,
        error=jubilant.any_error,
    )
    assert status.apps["cache"].units["cache/0"].subordinates["monitor/0"].workload_status.current == "active"
    assert status.apps["monitor"].subordinate_to == ["cache"]


def test_add_and_remove_units(juju: jubilant.Juju):
    juju.add_unit("kv", num_units=2)
    status = juju.wait(lambda s: len(s.apps["kv"].units) == 3 and jubilant.all_active(s, "kv"))
    # Every store unit tells the client its address.
    addresses = sorted(u.public_address for u in status.apps["kv"].units.values())
    goal = juju.run("kv/0", "units").results
    assert goal == {"units": "kv/0 kv/1 kv/2", "clients": "kv-client"}
    juju.wait(lambda s: jubilant.all_active(s, "kv-client"))
    told = juju.exec("cat told.txt", unit="kv-client/0").stdout
    assert told == f"hello alice from {' '.join(addresses)}\n"
    juju.remove_unit("kv/1", "kv/2")
    juju.wait(lambda s: set(s.apps["kv"].units) == {"kv/0"} and jubilant.all_active(s, "kv"))


def test_remove_relation(juju: jubilant.Juju):
    juju.remove_relation("kv-client", "kv")
    status = juju.wait(lambda s: jubilant.all_blocked(s, "kv-client"), error=jubilant.any_error)
    assert status.apps["kv-client"].units["kv-client/0"].workload_status.message == "needs a kv relation"
    assert not juju.exec("cat told.txt", unit="kv-client/0").stdout


def test_refresh_keeps_the_store(juju: jubilant.Juju, charms):
    juju.refresh("kv", path=charms["kv"])
    juju.wait(lambda s: jubilant.all_active(s, "kv"), error=jubilant.any_error)
    assert juju.run("kv/0", "get", {"key": "colour"}).results["value"] == "blue"

"""The Kustomize manifests, rendered with `kubectl kustomize` and checked against the code."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from bot.slack.http import EVENTS_PATH
from tests.deploy.conftest import DEPLOY, tool
from tests.deploy.settings_env import REQUIRED_FOR_HTTP, secret_names, setting_names

KUSTOMIZE = DEPLOY / "kubernetes"
OVERLAYS = sorted(p.parent for p in (KUSTOMIZE / "overlays").glob("*/kustomization.yaml"))
# The oldest Kubernetes release still commonly run, and the newest the schemas know.
K8S_VERSIONS = ("1.29.0", "1.37.0")
PROBE_PATHS = {"livenessProbe": "/healthz", "startupProbe": "/healthz", "readinessProbe": "/readyz"}


def render(path: Path) -> list[dict[str, Any]]:
    """The objects `kubectl kustomize` renders from ``path``."""
    result = subprocess.run(
        [tool("kubectl"), "kustomize", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module", params=[KUSTOMIZE / "base", *OVERLAYS], ids=lambda p: p.name)
def objects(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    """Everything one kustomization (the base or an overlay) renders."""
    return render(request.param)


def one(objects: list[dict[str, Any]], kind: str, name: str | None = None) -> dict[str, Any]:
    """The single object of ``kind`` (and ``name``)."""
    found = [
        o
        for o in objects
        if o["kind"] == kind and (name is None or o["metadata"]["name"].startswith(name))
    ]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


def pod_specs(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pod specs of the Deployment and the migration Job."""
    return [o["spec"]["template"]["spec"] for o in objects if o["kind"] in ("Deployment", "Job")]


def test_there_is_a_production_overlay() -> None:
    """An overlay exists, so the rendering tests cover more than the base."""
    assert [p.name for p in OVERLAYS] == ["production"]


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_objects_match_the_kubernetes_schemas(objects: list[dict[str, Any]], version: str) -> None:
    """Every rendered object validates strictly (no unknown fields) against Kubernetes' schemas."""
    for obj in objects:
        kubernetes_validate.validate(obj, version, strict=True)


def test_schema_validation_catches_a_misspelt_field(objects: list[dict[str, Any]]) -> None:
    """A misspelt field fails the strict schema check (so the check above has teeth)."""
    deployment = dict(one(objects, "Deployment"))
    deployment["spec"] = {**deployment["spec"], "replica": 2}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSIONS[-1], strict=True)


def test_the_expected_objects_are_rendered(objects: list[dict[str, Any]]) -> None:
    """Deployment, Service, PodDisruptionBudget, migration Job, settings and account are there."""
    kinds = {o["kind"] for o in objects}
    assert {"Deployment", "Service", "PodDisruptionBudget", "Job", "ConfigMap"} <= kinds
    assert "ServiceAccount" in kinds


def test_at_least_two_replicas_and_a_disruption_budget(objects: list[dict[str, Any]]) -> None:
    """Two or more replicas, rolled one at a time, and a PDB that keeps one running."""
    deployment = one(objects, "Deployment")
    assert deployment["spec"]["replicas"] >= 2
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    pdb = one(objects, "PodDisruptionBudget")
    assert pdb["spec"]["minAvailable"] >= 1
    assert pdb["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]


def test_selectors_select_the_bot_pods(objects: list[dict[str, Any]]) -> None:
    """The Deployment, Service and PDB selectors all match the bot pods' labels, and only them."""
    deployment = one(objects, "Deployment")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    selectors = [
        deployment["spec"]["selector"]["matchLabels"],
        one(objects, "Service")["spec"]["selector"],
        one(objects, "PodDisruptionBudget")["spec"]["selector"]["matchLabels"],
    ]
    for selector in selectors:
        assert selector.items() <= labels.items()
        assert "app.kubernetes.io/name" in selector
    job_labels = one(objects, "Job")["spec"]["template"]["metadata"]["labels"]
    assert not selectors[1].items() <= job_labels.items(), "the Service would select the Job"


def test_probes_point_at_the_bots_health_endpoints(objects: list[dict[str, Any]]) -> None:
    """Liveness and startup probe /healthz and readiness /readyz, on the container's port."""
    container = pod_specs(objects)[0]["containers"][0]
    port_names = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe, path in PROBE_PATHS.items():
        check = container[probe]["httpGet"]
        assert check["path"] == path, probe
        assert check["port"] in port_names or check["port"] in port_names.values()


def test_container_port_is_the_configured_port(objects: list[dict[str, Any]]) -> None:
    """The container listens where SAFETYBOT_PORT says, and the Service targets that port."""
    container = pod_specs(objects)[0]["containers"][0]
    settings = one(objects, "ConfigMap", "safetybot-settings")["data"]
    assert container["ports"] == [
        {"name": "http", "containerPort": int(settings["SAFETYBOT_PORT"])}
    ]
    assert one(objects, "Service")["spec"]["ports"][0]["targetPort"] == "http"


def test_every_variable_is_a_real_setting(objects: list[dict[str, Any]]) -> None:
    """Each environment variable given to a container is one the code reads (no typos)."""
    known = set(setting_names())
    for name in _environment(objects):
        assert name in known, f"{name} is not a setting of bot/config.py"


def test_what_the_bot_needs_is_set_or_defaulted(objects: list[dict[str, Any]]) -> None:
    """The tokens HTTP mode needs and the database URL reach the bot; the rest has defaults."""
    given = _environment(objects)
    assert REQUIRED_FOR_HTTP | {"SAFETYBOT_DATABASE_URL"} <= set(given)
    assert "SLACK_APP_TOKEN" not in given, "an app token would switch the bot to Socket Mode"


def test_no_secret_value_is_inline(objects: list[dict[str, Any]]) -> None:
    """Secrets come from the Secret by reference: none in env values, ConfigMaps or Secrets."""
    assert not [o for o in objects if o["kind"] == "Secret"]
    for config_map in (o for o in objects if o["kind"] == "ConfigMap"):
        assert not set(config_map.get("data", {})) & secret_names()
    for spec in pod_specs(objects):
        for container in spec["containers"]:
            for variable in container.get("env", []):
                if variable["name"] in secret_names():
                    assert "value" not in variable
                    assert variable["valueFrom"]["secretKeyRef"]["name"] == "safetybot"


def test_pods_run_locked_down(objects: list[dict[str, Any]]) -> None:
    """Non-root, read-only root filesystem, no capabilities, no privilege escalation, seccomp."""
    for spec in pod_specs(objects):
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert spec["automountServiceAccountToken"] is False
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]


def test_containers_have_requests_and_limits(objects: list[dict[str, Any]]) -> None:
    """Every container requests CPU and memory and has a memory limit."""
    for spec in pod_specs(objects):
        for container in spec["containers"]:
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"])
            assert "memory" in resources["limits"]


def test_the_job_migrates_with_the_bots_image(objects: list[dict[str, Any]]) -> None:
    """The migration Job runs `safetybot db upgrade` with the Deployment's image and settings."""
    job = one(objects, "Job")["spec"]["template"]["spec"]["containers"][0]
    bot = one(objects, "Deployment")["spec"]["template"]["spec"]["containers"][0]
    assert job["command"] == ["safetybot", "db", "upgrade"]
    assert bot["command"] == ["safetybot", "run"]
    assert job["image"] == bot["image"]
    assert job["envFrom"] == bot["envFrom"]


def test_ingress_exposes_only_slacks_route(objects: list[dict[str, Any]]) -> None:
    """An Ingress, where rendered, routes exactly the Slack events path to the Service."""
    ingresses = [o for o in objects if o["kind"] == "Ingress"]
    service = one(objects, "Service")
    for ingress in ingresses:
        paths = [p for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]]
        assert [(p["path"], p["pathType"]) for p in paths] == [(EVENTS_PATH, "Exact")]
        backend = paths[0]["backend"]["service"]
        assert backend["name"] == service["metadata"]["name"]
        assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}


def _environment(objects: list[dict[str, Any]]) -> dict[str, str]:
    """Every variable the bot container gets, with where it comes from."""
    container = one(objects, "Deployment")["spec"]["template"]["spec"]["containers"][0]
    given = {}
    for source in container.get("envFrom", []):
        name = source["configMapRef"]["name"]
        for key in one(objects, "ConfigMap", name)["data"]:
            given[key] = f"configmap {name}"
    for variable in container.get("env", []):
        given[variable["name"]] = "secret" if "valueFrom" in variable else "value"
    return given

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checks deploy/k8s offline, without a cluster: every document against the Kubernetes API's
types, then what the sharded sweep relies on.

The API's types come from the Kubernetes Python client (Debian's python3-kubernetes), whose
model classes are generated from the API's OpenAPI schema: each field's name and type
(openapi_types, attribute_map) and which fields are required.  A field the API does not know,
a value of the wrong type or a missing required field is an error, as `kubectl apply
--validate=strict` would report it.  Then the deploy's own rules: an Indexed Job whose
completions equal the --shards it passes, hostNetwork, NET_RAW (and the capabilities
icmpsweep needs to give up root), results on the volume the merge Job reads.

    check_k8s_manifests.py DEPLOY_K8S_DIR          check the manifests there
    check_k8s_manifests.py --self-test DIR         also prove broken copies are refused
    check_k8s_manifests.py --pod shards|merge DIR  the pod of the shards' (or merge) Job as
                                                   JSON: argv ($(VAR)s of literal env values
                                                   expanded), capabilities added, mounts,
                                                   completions, parallelism (tests/e2e/k8s_pod.sh)

Exit 0 valid, 1 invalid (each error on a line), 77 without python3-kubernetes (skipped; a
failure with ISW_E2E_STRICT=1).
"""
import copy
import os
import re
import sys

try:
    import yaml
    import kubernetes
    from kubernetes import client as k8s
except ImportError as e:
    strict = os.environ.get("ISW_E2E_STRICT") == "1"
    print(("FAIL" if strict else "SKIP") + f": {e} (Debian packages python3-kubernetes, python3-yaml)",
          file=sys.stderr)
    sys.exit(1 if strict else 77)

# apiVersion and kind -> the client's model class.
MODELS = {
    ("batch/v1", "Job"): "V1Job",
    ("v1", "PersistentVolumeClaim"): "V1PersistentVolumeClaim",
}
PRIMITIVES = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "date": (str,),
    "datetime": (str,),
}


def check_value(value, typ, path, errors):
    """Checks VALUE against the client's type name TYP (e.g. 'list[V1Container]')."""
    if typ == "object":
        return
    if typ in PRIMITIVES:
        ok = isinstance(value, PRIMITIVES[typ]) and not (typ != "bool" and isinstance(value, bool))
        if not ok:
            errors.append(f"{path}: {value!r} is not of type {typ}")
        return
    m = re.fullmatch(r"list\[(.+)\]", typ)
    if m:
        if not isinstance(value, list):
            errors.append(f"{path}: expected a list, got {value!r}")
            return
        for i, item in enumerate(value):
            check_value(item, m.group(1), f"{path}[{i}]", errors)
        return
    m = re.fullmatch(r"dict\(str, (.+)\)", typ)
    if m:
        if not isinstance(value, dict):
            errors.append(f"{path}: expected a map, got {value!r}")
            return
        for k, v in value.items():
            if not isinstance(k, str):
                errors.append(f"{path}: key {k!r} is not a string")
            check_value(v, m.group(1), f"{path}.{k}", errors)
        return
    check_object(value, typ, path, errors)


def check_object(value, model_name, path, errors):
    cls = getattr(k8s, model_name, None)
    if cls is None:
        errors.append(f"{path}: the client has no type {model_name}")
        return
    if not isinstance(value, dict):
        errors.append(f"{path}: expected an object ({model_name}), got {value!r}")
        return
    by_json = {j: attr for attr, j in cls.attribute_map.items()}
    present = {}
    for key, v in value.items():
        attr = by_json.get(key)
        if attr is None:
            errors.append(f"{path}: unknown field '{key}' in {model_name}")
            continue
        check_value(v, cls.openapi_types[attr], f"{path}.{key}", errors)
        present[attr] = v
    # The generated setters refuse a required field left out (and out-of-enum values).
    try:
        cls(**present)
    except ValueError as e:
        errors.append(f"{path}: {e}")


def check_document(doc, where):
    errors = []
    if not isinstance(doc, dict):
        return [f"{where}: not a YAML mapping"]
    model = MODELS.get((doc.get("apiVersion"), doc.get("kind")))
    if model is None:
        return [f"{where}: apiVersion/kind {doc.get('apiVersion')}/{doc.get('kind')} not one this check knows"]
    check_object(doc, model, f"{where}:{doc['kind']}", errors)
    return errors


def load(directory):
    docs = []
    for name in sorted(os.listdir(directory)):
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(directory, name)) as f:
                for i, d in enumerate(yaml.safe_load_all(f)):
                    if d is not None:
                        docs.append((f"{name}#{i}", d))
    return docs


def env_of(container):
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def expand(arg, env):
    """Kubernetes' $(VAR) expansion in args, for the env values given literally."""
    return re.sub(r"\$\((\w+)\)", lambda m: env.get(m.group(1)) or m.group(0), arg)


def check_deploy(docs):
    """The sharded sweep's own rules, over all documents."""
    errors = []
    jobs = {d["metadata"]["name"]: (w, d) for w, d in docs if d.get("kind") == "Job"}
    claims = {d["metadata"]["name"] for w, d in docs if d.get("kind") == "PersistentVolumeClaim"}
    shards = [(w, d) for w, d in jobs.values() if d["spec"].get("completionMode") == "Indexed"]
    if len(shards) != 1:
        return [f"expected one Indexed Job (the shards), found {len(shards)}"]
    where, job = shards[0]
    spec = job["spec"]
    pod = spec["template"]["spec"]
    if not isinstance(spec.get("completions"), int) or spec["completions"] < 1:
        errors.append(f"{where}: completions must be set (the shard count)")
    if not isinstance(spec.get("parallelism"), int) or spec["parallelism"] < 1:
        errors.append(f"{where}: parallelism must be set")
    if pod.get("hostNetwork") is not True:
        errors.append(f"{where}: hostNetwork must be true (probes leave from the node)")
    if pod.get("restartPolicy") != "Never":
        errors.append(f"{where}: restartPolicy must be Never (a restarted container would re-probe into the same files)")
    c = pod["containers"][0]
    caps = c.get("securityContext", {}).get("capabilities", {})
    added = set(caps.get("add", []))
    if "NET_RAW" not in added:
        errors.append(f"{where}: the container must add the NET_RAW capability")
    env = env_of(c)
    args = [expand(a, env) for a in c.get("command", [])[1:] + c.get("args", [])]
    joined = " ".join(args)
    # Started as root, icmpsweep drops to nobody after set-up: that takes these three, unless
    # --user root keeps root (tests/e2e/k8s_pod.sh runs both ways in the lab).
    drop_caps = {"SETUID", "SETGID", "SETPCAP"}
    if not drop_caps <= added and not re.search(r"--user root\b", joined):
        errors.append(f"{where}: icmpsweep cannot give up root without {sorted(drop_caps - added)} "
                      "added: add them, or pass --user root")
    if "--shard auto" not in joined:
        errors.append(f"{where}: icmpsweep must run with --shard auto")
    m = re.search(r"--shards (\S+)", joined)
    if not m or m.group(1) != str(spec.get("completions")):
        errors.append(f"{where}: --shards {m.group(1) if m else '(none)'} must equal completions {spec.get('completions')}")
    if not re.search(r"--seed [0-9]+", joined):
        errors.append(f"{where}: every shard needs the same literal --seed")
    claim_of = {v["name"]: v.get("persistentVolumeClaim", {}).get("claimName") for v in pod.get("volumes", [])}
    mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
    outs = re.findall(r"--(?:output|metadata) (\S+)", joined)
    if len(outs) != 2:
        errors.append(f"{where}: expected --output and --metadata, got {outs}")
    shard_claims = set()
    for out in outs:
        mount = next((p for p in mounts if out.startswith(p.rstrip("/") + "/")), None)
        if mount is None or claim_of.get(mounts[mount]) not in claims:
            errors.append(f"{where}: {out} is not on a volume claimed in deploy/k8s")
        else:
            shard_claims.add(claim_of[mounts[mount]])
        if "$(" not in out and "JOB_COMPLETION_INDEX" not in out and "SHARD_INDEX" not in out:
            errors.append(f"{where}: {out} does not carry the pod's index: the shards would overwrite each other")
    merges = [(w, d) for w, d in jobs.values() if d is not job]
    if len(merges) != 1:
        return errors + [f"expected one merge Job beside the shards, found {len(merges)}"]
    mwhere, merge = merges[0]
    mpod = merge["spec"]["template"]["spec"]
    mc = mpod["containers"][0]
    mcmd = " ".join(mc.get("command", []) + mc.get("args", []))
    if "icmpsweep merge" not in mcmd:
        errors.append(f"{mwhere}: does not run icmpsweep merge")
    mclaims = {v.get("persistentVolumeClaim", {}).get("claimName") for v in mpod.get("volumes", [])}
    if not shard_claims or not shard_claims <= mclaims:
        errors.append(f"{mwhere}: does not mount the shards' volume {sorted(shard_claims)}")
    return errors


def check_all(docs):
    errors = []
    for where, d in docs:
        errors += check_document(d, where)
    if not errors:
        errors += check_deploy(docs)
    return errors


def self_test(docs):
    """Broken copies of the manifests must be refused, each for its own reason."""
    def job(ds):
        return next(d for _, d in ds if d.get("spec", {}).get("completionMode") == "Indexed")

    def container(ds):
        return job(ds)["spec"]["template"]["spec"]["containers"][0]

    breaks = {
        "unknown field": (lambda ds: job(ds)["spec"].__setitem__("completionsMode", "Indexed"), "unknown field 'completionsMode'"),
        "wrong type": (lambda ds: job(ds)["spec"]["template"]["spec"].__setitem__("hostNetwork", "yes"), "is not of type bool"),
        "missing required": (lambda ds: container(ds).pop("name"), "`name`, must not be `None`"),
        "no NET_RAW": (lambda ds: container(ds)["securityContext"]["capabilities"].__setitem__("add", []), "NET_RAW"),
        "no SETPCAP": (lambda ds: container(ds)["securityContext"]["capabilities"]["add"].remove("SETPCAP"), "cannot give up root without ['SETPCAP']"),
        "shards != completions": (lambda ds: job(ds)["spec"].__setitem__("completions", 5), "must equal completions 5"),
        "no hostNetwork": (lambda ds: job(ds)["spec"]["template"]["spec"].__setitem__("hostNetwork", False), "hostNetwork must be true"),
    }
    failures = []
    for what, (mutate, expect) in breaks.items():
        broken = copy.deepcopy(docs)
        mutate(broken)
        errs = check_all(broken)
        if not any(expect in e for e in errs):
            failures.append(f"self-test '{what}': expected an error with '{expect}', got {errs}")
    return failures


def pod_plan(docs, which):
    """What a pod of the shards' (which == 'shards') or the merge Job runs."""
    for _, d in docs:
        if d.get("kind") != "Job" or (d["spec"].get("completionMode") == "Indexed") != (which == "shards"):
            continue
        spec = d["spec"]
        pod = spec["template"]["spec"]
        c = pod["containers"][0]
        env = env_of(c)
        sc = c.get("securityContext", {})
        return {
            "completions": spec.get("completions", 1),
            "parallelism": spec.get("parallelism", 1),
            "host_network": pod.get("hostNetwork", False),
            "no_new_privs": sc.get("allowPrivilegeEscalation") is False,
            "caps_drop": sc.get("capabilities", {}).get("drop", []),
            "caps_add": sc.get("capabilities", {}).get("add", []),
            "mounts": [m["mountPath"] for m in c.get("volumeMounts", [])],
            "argv": [expand(a, env) for a in c.get("command", []) + c.get("args", [])],
        }
    return None


def main():
    args = sys.argv[1:]
    if args[:1] == ["--pod"] and len(args) == 3 and args[1] in ("shards", "merge"):
        import json
        plan = pod_plan(load(args[2]), args[1])
        if plan is None:
            print(f"no {args[1]} Job in {args[2]}", file=sys.stderr)
            return 1
        print(json.dumps(plan))
        return 0
    selftest = args[:1] == ["--self-test"]
    if selftest:
        args = args[1:]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    docs = load(args[0])
    if not docs:
        print(f"no manifests in {args[0]}", file=sys.stderr)
        return 1
    errors = check_all(docs)
    if selftest and not errors:
        errors = self_test(docs)
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        return 1
    print(f"{len(docs)} manifests valid against the Kubernetes API types of python3-kubernetes "
          f"{kubernetes.__version__}" + ("; broken copies refused" if selftest else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())

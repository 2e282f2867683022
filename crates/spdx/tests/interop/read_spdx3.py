"""Reads an SPDX 3 JSON-LD document the way an independent consumer does, and prints what it
found as JSON on standard output (used by crates/spdx/tests/python.rs).

    read_spdx3.py DOC.json [--shacl spdx-model.ttl spdx-context.jsonld]

The document is loaded with the SPDX project's Python bindings (spdx-python-model, JSON-LD
deserializer of the bindings its @context names); references are followed through the object
set, so a relationship whose ends do not resolve shows up with a type of null. With --shacl the
document is also expanded with the given JSON-LD context (rdflib, offline) and checked against
the SHACL shapes of the SPDX model (pyshacl).
"""
import json
import sys

import spdx_python_model


def short(iri):
    return iri.rsplit("/", 1)[-1] if isinstance(iri, str) else iri


def is_object(model, obj):
    return isinstance(obj, model.SHACLObject)


def main(argv):
    path = argv[1]
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    model, objset = spdx_python_model.load_data(data)
    out = {"bindings": model.__name__}

    def agent_name(a):
        return a.name if is_object(model, a) else a

    def ref(x):
        return x._id if is_object(model, x) else x

    def type_name(x):
        return type(x).__name__ if is_object(model, x) else None

    out["ai_packages"] = [
        {
            "spdxId": p._id,
            "name": p.name,
            "version": p.software_packageVersion,
            "releaseTime": p.releaseTime.strftime("%Y-%m-%dT%H:%M:%SZ") if p.releaseTime else None,
            "suppliedBy": agent_name(p.suppliedBy) if p.suppliedBy else None,
            "primaryPurpose": short(p.software_primaryPurpose),
            "downloadLocation": p.software_downloadLocation,
        }
        for p in objset.foreach_type(model.ai_AIPackage)
    ]
    out["datasets"] = [
        {"spdxId": d._id, "name": d.name, "types": [short(t) for t in d.dataset_datasetType]}
        for d in objset.foreach_type(model.dataset_DatasetPackage)
    ]
    files = []
    for f in objset.foreach_type(model.software_File):
        hashes = {short(h.algorithm): h.hashValue for h in f.verifiedUsing}
        files.append({"spdxId": f._id, "name": f.name, "sha256": hashes.get("sha256")})
    out["files"] = files
    rels = []
    for r in objset.foreach_type(model.Relationship):
        rels.append(
            {
                "type": short(r.relationshipType),
                "from": ref(r.from_),
                "from_type": type_name(r.from_),
                "to": [ref(t) for t in r.to],
                "to_types": [type_name(t) for t in r.to],
            }
        )
    out["relationships"] = rels
    docs = list(objset.foreach_type(model.SpdxDocument))
    out["profiles"] = [short(p) for d in docs for p in d.profileConformance]
    tools = []
    for c in objset.foreach_type(model.CreationInfo):
        tools.extend(t.name if is_object(model, t) else None for t in c.createdUsing)
    out["tools"] = tools

    if len(argv) >= 5 and argv[2] == "--shacl":
        import pyshacl
        import rdflib

        with open(argv[4], encoding="utf-8") as f:
            context = json.load(f)["@context"]
        expanded = dict(data)
        expanded["@context"] = context
        g = rdflib.Graph().parse(data=json.dumps(expanded), format="json-ld")
        shapes = rdflib.Graph().parse(argv[3], format="turtle")
        conforms, _, text = pyshacl.validate(
            g, shacl_graph=shapes, ont_graph=shapes, inference="none"
        )
        out["shacl"] = {"conforms": bool(conforms), "triples": len(g), "report": text[:4000]}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)

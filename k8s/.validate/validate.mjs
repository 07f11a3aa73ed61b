// Offline validation (no API server): every object of a rendered overlay against the Kubernetes schemas of
// kubernetes-models, and Expert resources against the CRD's OpenAPI schema plus its CEL rules.
//   node validate.mjs manifests RENDERED.yaml CRD.yaml         exits 1 if any object is invalid
//   node validate.mjs experts CRD.yaml valid|invalid FILE...    exits 1 if a file is judged otherwise than said
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import Ajv from 'ajv';
import { evaluate } from '@marcbachmann/cel-js';

const [mode, ...args] = process.argv.slice(2);

function documents(file) {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
    if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`);
    return d.toJS();
  }).filter((o) => o != null);
}

function expertValidator(crdFile) {
  const crd = documents(crdFile).find((o) => o.kind === 'CustomResourceDefinition');
  const version = crd.spec.versions.find((v) => v.storage);
  const schema = version.schema.openAPIV3Schema;
  // The API server adds apiVersion, kind and metadata to every custom resource's schema.
  const full = { ...schema, properties: { apiVersion: { type: 'string' }, kind: { type: 'string' },
    metadata: { type: 'object' }, ...schema.properties } };
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addKeyword('x-kubernetes-int-or-string');
  ajv.addKeyword('x-kubernetes-validations');
  ajv.addKeyword('x-kubernetes-preserve-unknown-fields');
  const check = ajv.compile(full);
  const expected = `${crd.spec.group}/${version.name}`;
  return (obj) => {
    const errors = [];
    if (obj.apiVersion !== expected || obj.kind !== crd.spec.names.kind) {
      errors.push(`not a ${crd.spec.names.kind} of ${expected}`);
    }
    if (!obj.metadata || !/^[a-z0-9]([-a-z0-9]{0,54}[a-z0-9])?$/.test(obj.metadata.name ?? '')) {
      errors.push('metadata.name must be an expert id usable in Kubernetes names');
    }
    if (!check(obj)) {
      for (const e of check.errors) errors.push(`${e.instancePath || '/'} ${e.message}`);
    }
    // CEL rules as the API server runs them on create (rules about oldSelf apply to updates only).
    const rules = (node, value, path) => {
      if (value === undefined || value === null) return;
      for (const r of node['x-kubernetes-validations'] ?? []) {
        if (r.rule.includes('oldSelf')) continue;
        let ok;
        try { ok = evaluate(r.rule, { self: value }); } catch (e) { ok = false; }
        if (ok !== true) errors.push(`${path} ${r.message ?? r.rule}`);
      }
      if (node.properties && typeof value === 'object') {
        for (const [k, sub] of Object.entries(node.properties)) rules(sub, value[k], `${path}/${k}`);
      }
      if (node.items && Array.isArray(value)) value.forEach((v, i) => rules(node.items, v, `${path}/${i}`));
    };
    rules(schema, obj, '');
    return errors;
  };
}

async function kubernetesModel(obj) {
  const path = obj.apiVersion === 'v1' ? 'v1' : obj.apiVersion;
  try {
    const module = await import(`kubernetes-models/${path}/${obj.kind}`);
    return module[obj.kind];
  } catch (e) {
    return undefined;
  }
}

let failed = false;
if (mode === 'manifests') {
  const [rendered, crdFile] = args;
  const expert = expertValidator(crdFile);
  let count = 0;
  for (const obj of documents(rendered)) {
    count++;
    const name = `${obj.kind}/${obj.metadata?.name}`;
    if (obj.apiVersion === 'flexserve.dev/v1alpha1') {
      const errors = expert(obj);
      if (errors.length) { failed = true; console.error(`${name}: ${errors.join('; ')}`); }
      continue;
    }
    const Model = await kubernetesModel(obj);
    if (!Model) { failed = true; console.error(`${name}: no schema for ${obj.apiVersion} ${obj.kind}`); continue; }
    try {
      new Model(obj).validate();
    } catch (e) {
      failed = true;
      console.error(`${name}: ${e.message.split('\n').slice(0, 6).join(' | ')}`);
    }
  }
  console.log(`${count} objects checked against the Kubernetes schemas${failed ? ': INVALID ones above' : ''}`);
} else if (mode === 'experts') {
  const [crdFile, expectation, ...files] = args;
  const expert = expertValidator(crdFile);
  for (const file of files) {
    for (const obj of documents(file)) {
      const errors = expert(obj);
      if (expectation === 'valid' && errors.length) {
        failed = true;
        console.error(`${file}: rejected, but is a valid Expert: ${errors.join('; ')}`);
      } else if (expectation === 'invalid' && !errors.length) {
        failed = true;
        console.error(`${file}: accepted, but is an invalid Expert`);
      } else {
        console.log(`${file}: ${errors.length ? 'rejected (' + errors.join('; ') + ')' : 'valid'}`);
      }
    }
  }
} else {
  console.error('usage: validate.mjs manifests RENDERED CRD | experts CRD valid|invalid FILE...');
  process.exit(2);
}
process.exit(failed ? 1 : 0);

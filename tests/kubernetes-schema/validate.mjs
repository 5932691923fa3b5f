// Validates every object of a multi-document YAML stream (what `kubectl kustomize` prints) against
// the Kubernetes OpenAPI schema, offline, with the models of the npm package kubernetes-models.
// Usage: node validate.mjs FILE  (or the stream on standard input). Prints one line per object,
// "ok KIND NAME" or "invalid KIND NAME: reason", and exits 1 when any object is invalid or unknown.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const text = readFileSync(process.argv[2] ?? 0, "utf8");
let failures = 0;
let objects = 0;

for (const document of parseAllDocuments(text)) {
  if (document.errors.length > 0) {
    console.log(`invalid YAML: ${document.errors.map((e) => e.message).join("; ")}`);
    failures++;
    continue;
  }

  const object = document.toJS();
  if (object === null) {
    continue;
  }

  objects++;
  const { apiVersion, kind } = object;
  const name = `${kind ?? "?"} ${object.metadata?.name ?? "?"}`;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    console.log(`invalid ${name}: apiVersion and kind are required`);
    failures++;
    continue;
  }

  // "v1" is the core group (kubernetes-models/v1/Service); "apps/v1" maps to kubernetes-models/apps/v1/Deployment.
  let model;
  try {
    model = (await import(`kubernetes-models/${apiVersion}/${kind}`))[kind];
  } catch {
    model = undefined;
  }

  if (typeof model !== "function") {
    console.log(`invalid ${name}: ${apiVersion} ${kind} is not a Kubernetes API type`);
    failures++;
    continue;
  }

  try {
    new model(object).validate();
    console.log(`ok ${name}`);
  } catch (error) {
    console.log(`invalid ${name}: ${error.message}`);
    failures++;
  }
}

console.log(`${objects} objects, ${failures} invalid`);
process.exit(failures === 0 && objects > 0 ? 0 : 1);

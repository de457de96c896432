import { BpfObject, type BpfLink } from '@glia/libbpf';

/**
 * Opens an object, lets `configure` adjust it, loads it and builds what wraps it; when any step
 * throws (a verifier rejection among them), the object is closed again before the error goes on.
 */
export function loadObject<T>(
  path: string,
  configure: (object: BpfObject) => void,
  wrap: (object: BpfObject) => T,
): T {
  const object = BpfObject.open(path);
  try {
    configure(object);
    object.load();
    return wrap(object);
  } catch (error) {
    object.close();
    throw error;
  }
}

/** Detaches the links in reverse order, then closes the object. Idempotent. */
export function closeAttached(links: BpfLink[], object: BpfObject): void {
  for (const link of links.splice(0).reverse()) {
    try {
      link.close();
    } catch {
      // The device may be gone already; the link is then gone with it.
    }
  }
  object.close();
}

import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number | undefined;
}

/**
 * oidc-provider's storage, kept in one Map per sandbox so two sandboxes in one process never
 * share state (the library's own dev adapter is process-global and warns on every start).
 */
export function createMemoryAdapterFactory(): (name: string) => Adapter {
  const entries = new Map<string, Entry>();
  const grantIndex = new Map<string, Set<string>>();
  const key = (model: string, id: string) => `${model}:${id}`;

  return (model: string): Adapter => {
    const read = (id: string): AdapterPayload | undefined => {
      const entry = entries.get(key(model, id));
      if (!entry) return undefined;
      if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
        entries.delete(key(model, id));
        return undefined;
      }
      return entry.payload;
    };
    return {
      async upsert(id, payload, expiresIn) {
        const k = key(model, id);
        entries.set(k, {
          payload: structuredClone(payload),
          expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined,
        });
        if (payload.grantId) {
          const keys = grantIndex.get(payload.grantId) ?? new Set();
          keys.add(k);
          grantIndex.set(payload.grantId, keys);
        }
      },
      async find(id) {
        return read(id);
      },
      async findByUid(uid) {
        for (const [k, entry] of entries) {
          if (k.startsWith(`${model}:`) && entry.payload.uid === uid)
            return read(k.slice(model.length + 1));
        }
        return undefined;
      },
      async findByUserCode(userCode) {
        for (const [k, entry] of entries) {
          if (k.startsWith(`${model}:`) && entry.payload.userCode === userCode)
            return read(k.slice(model.length + 1));
        }
        return undefined;
      },
      async consume(id) {
        const entry = entries.get(key(model, id));
        if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        entries.delete(key(model, id));
      },
      async revokeByGrantId(grantId) {
        for (const k of grantIndex.get(grantId) ?? []) entries.delete(k);
        grantIndex.delete(grantId);
      },
    };
  };
}

/** What an admin route handler returns: an HTTP status and a JSON body. */
export interface AdminResponse {
  status: number;
  body: unknown;
}

export type AdminHandler = (request: {
  method: string;
  query: URLSearchParams;
  body: unknown;
}) => AdminResponse | Promise<AdminResponse>;

/**
 * Routes plugins add to the agent's admin endpoint (beside /metrics and /status), e.g. the
 * enforcement sink's /edges. Registered in the agent's container as TOKENS.AdminRoutes.
 */
export class AdminRoutes {
  private readonly routes = new Map<string, AdminHandler>();

  /** Adds `METHOD /path`; the returned function removes it. A path taken twice is an error. */
  add(method: 'GET' | 'POST', path: string, handler: AdminHandler): () => void {
    const key = `${method} ${path}`;
    if (this.routes.has(key)) throw new Error(`admin route ${key} is already registered`);
    this.routes.set(key, handler);
    return () => {
      if (this.routes.get(key) === handler) this.routes.delete(key);
    };
  }

  find(method: string, path: string): AdminHandler | undefined {
    return this.routes.get(`${method} ${path}`);
  }

  paths(): string[] {
    return [...this.routes.keys()];
  }
}

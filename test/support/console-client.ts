import { WebSocket } from 'ws';

export interface ConsoleControl {
  type: string;
  [field: string]: unknown;
}

/** One console WebSocket as a test sees it: the screen so far, the control messages, a way to wait for text. */
export interface ConsoleClient {
  ws: WebSocket;
  text(): string;
  controls: ConsoleControl[];
  waitFor(needle: string | RegExp, from?: number): Promise<void>;
  waitForControl(predicate: (c: ConsoleControl) => boolean): Promise<ConsoleControl>;
  type(text: string): void;
  closed: Promise<{ code: number; reason: string }>;
}

export type ConsoleRefusal = { refused: true; status: number; body: Record<string, unknown>; text: string };

/** Opens ws://.../v1/servers/:id/console?ticket=...; a refused upgrade resolves with the HTTP answer. */
export function openConsole(baseUrl: string, serverId: string, ticket: string, headers: Record<string, string> = {}): Promise<ConsoleClient | ConsoleRefusal> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/v1/servers/${serverId}/console?ticket=${encodeURIComponent(ticket)}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    let screen = '';
    const controls: ConsoleControl[] = [];
    const listeners = new Set<() => void>();
    const changed = (): void => {
      for (const l of [...listeners]) l();
    };
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString('utf8') })));
    ws.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) screen += bytes.toString('utf8');
      else controls.push(JSON.parse(bytes.toString('utf8')) as ConsoleControl);
      changed();
    });
    ws.once('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (c: Buffer) => (text += c.toString('utf8')));
      response.on('end', () => resolve({ refused: true, status: response.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, text }));
    });
    ws.once('error', (error) => reject(error));
    const until = <T>(probe: () => T | undefined, what: string): Promise<T> =>
      new Promise((done, fail) => {
        const check = (): void => {
          const found = probe();
          if (found === undefined) return;
          listeners.delete(check);
          done(found);
        };
        listeners.add(check);
        void closed.then((c) => {
          if (listeners.has(check)) fail(new Error(`console closed (${c.code} ${c.reason}) before ${what}; screen ends: ${JSON.stringify(screen.slice(-300))}`));
        });
        check();
      });
    ws.once('open', () =>
      resolve({
        ws,
        text: () => screen,
        controls,
        closed,
        type: (text) => ws.send(Buffer.from(text, 'utf8'), { binary: true }),
        waitFor: (needle, from = 0) =>
          until(() => {
            const rest = screen.slice(from);
            return (typeof needle === 'string' ? rest.includes(needle) : needle.test(rest)) ? true : undefined;
          }, String(needle)).then(() => undefined),
        waitForControl: (predicate) => until(() => controls.find(predicate), 'a control message'),
      }),
    );
  });
}

export function isRefusal(c: ConsoleClient | ConsoleRefusal): c is ConsoleRefusal {
  return 'refused' in c;
}

// Request/response (docs/REQUEST.md): client.request<T>() and server.handle()/unhandle(),
// their options, handler and error types, and what must not compile.
import ipc = require('node-ipc-native');

ipc.serve('/tmp/app.world', () => {
  const server: ipc.Server = ipc.server;
  // The handler gets the data (any by default, or the type argument) and the socket.
  const chained: ipc.Server = server.handle('add', (data, socket) => {
    const s: ipc.Socket = socket;
    void s;
    return data.a + data.b;
  });
  void chained;
  server.handle<{ a: number; b: number }>('sum', async function (data) {
    const self: ipc.Server = this;
    void self;
    const a: number = data.a;
    return a + data.b;
  });
  server.handle('nothing', () => {});
  const handler: ipc.RequestHandler<string> = (text) => text.toUpperCase();
  server.handle('upper', handler);
  const removed: boolean = server.unhandle('add');
  void removed;

  // @ts-expect-error the type is a string
  server.handle(5, () => 1);
  // @ts-expect-error the handler is a function
  server.handle('add', 'not a function');
  // @ts-expect-error typed data: `a` is a number
  server.handle<{ a: number }>('typed', (data) => data.a.toUpperCase());
});
ipc.server.start();

ipc.connectTo('world', async () => {
  const client: ipc.Client = ipc.of.world;
  const sum: number = await client.request<number>('add', { a: 1, b: 2 });
  const untyped: unknown = await client.request('echo');
  const options: ipc.RequestOptions = { timeout: 500 };
  await client.request('add', { a: 1, b: 2 }, options);
  await client.request('add', undefined, { timeout: Infinity });
  await client.request('add', undefined, {});
  await client.request('add', undefined, null);
  void sum, untyped;

  try {
    await client.request('add', 1);
  } catch (e) {
    const err = e as ipc.RequestError;
    const code: string | undefined = err.code;
    const remote: true | undefined = err.remote;
    const name: string = err.name;
    void code, remote, name;
  }

  // @ts-expect-error the type is a string
  client.request(5);
  // @ts-expect-error the timeout is a number
  client.request('add', 1, { timeout: '500' });
  // @ts-expect-error without a type argument (or a typed target) the result is unknown
  const notANumber: number = untyped;
  void notANumber;
  // @ts-expect-error no such option
  client.request('add', 1, { retries: 3 });
});

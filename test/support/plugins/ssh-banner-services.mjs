// A third-party enricher for tests: service.name/product/version of SSH servers from their banner
// ("SSH-2.0-OpenSSH_9.2p1 Debian-2" -> ssh, OpenSSH, 9.2p1). It stands in for the services
// enricher where a test needs node services from a capture, and publishes a "service" fact so the
// service graph records them on the connection that showed them (DESIGN §4).
const BANNER = /^SSH-[\d.]+-([A-Za-z][A-Za-z0-9]*)_([^\s\r\n]+)/;

const FIELDS = [
  { name: 'service.name', type: 'Bytes', description: 'ssh, when the server sent an SSH banner' },
  { name: 'service.product', type: 'Bytes', description: 'the software named in the SSH banner' },
  { name: 'service.version', type: 'Bytes', description: 'its version from the SSH banner' },
];

class SshBannerServices {
  constructor(ctx) {
    this.ctx = ctx;
    this.services = new Map();
    this.unsubscribe = null;
    this.state = { state: 'stopped' };
  }

  start() {
    this.unsubscribe = this.ctx.bus.subscribe('banner', (e) => {
      if (e.sender !== 'server') return;
      const m = BANNER.exec(Buffer.from(e.payload).toString('latin1'));
      if (m === null) return;
      this.services.set(`${e.src}:${e.sport}`, { name: 'ssh', product: m[1], version: m[2] });
      this.ctx.bus.publish('fact', { phase: 'service', event: e });
    });
    this.state = { state: 'ok' };
  }

  stop() {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.state = { state: 'stopped' };
  }

  health() {
    return this.state;
  }

  resolvers() {
    const of = (o) => this.services.get(`${o.server}:${o.serverPort}`);
    return {
      'service.name': (o) => of(o)?.name,
      'service.product': (o) => of(o)?.product,
      'service.version': (o) => of(o)?.version,
    };
  }
}

export default {
  type: 'ssh_banner_services',
  kind: 'enricher',
  description: 'test stand-in: SSH server software from banners',
  configSchema: { type: 'object', additionalProperties: false, properties: {} },
  fields: FIELDS,
  create: (ctx) => new SshBannerServices(ctx),
};

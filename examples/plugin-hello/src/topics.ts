/** The topic this plugin adds to glia's bus, declared by module augmentation. */
export interface NewServer {
  ts: bigint;
  server: string;
  port: number;
  proto: 'tcp' | 'udp';
  /** The first client seen talking to it. */
  client: string;
}

declare module '@glia/core' {
  interface GliaTopics {
    'hello.new_server': NewServer;
  }
}

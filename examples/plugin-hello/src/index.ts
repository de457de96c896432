import { helloPlugin } from './plugin.js';

export type { NewServer } from './topics.js';
export { ServerGreeter } from './greeter.js';
export { helloPlugin };
export default helloPlugin;

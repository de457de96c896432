/**
 * tshark's `-T fields` output lists a field once per layer that has it, comma-separated, outermost
 * first (`10.0.0.1,192.168.1.2` for an IP-in-IP packet). The innermost layer's value is the last.
 */
export function innermost(field: string): string {
  return field.split(',').at(-1) ?? '';
}

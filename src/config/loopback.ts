/** Whether `hostname` (a URL's, so IPv6 in brackets) is this machine. */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || /^127(\.\d{1,3}){3}$/.test(hostname) || hostname === '[::1]';
}

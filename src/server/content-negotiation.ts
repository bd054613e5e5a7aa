/** Content negotiation of `/metrics`: 0.0.4 text unless the scraper asks for OpenMetrics. */

/** True when an Accept header asks for OpenMetrics text (with a non-zero quality). */
export function acceptsOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((entry) => {
    const [type, ...parameters] = entry.split(';').map((part) => part.trim());
    if (type?.toLowerCase() !== 'application/openmetrics-text') return false;
    const quality = parameters.find((p) => p.toLowerCase().startsWith('q='));
    return quality === undefined || Number(quality.slice(2)) > 0;
  });
}

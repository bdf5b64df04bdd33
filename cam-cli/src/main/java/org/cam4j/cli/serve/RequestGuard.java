package org.cam4j.cli.serve;

import com.sun.net.httpserver.HttpExchange;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a request must be before the server reads it. Addressed to this server by a name it answers to: an IP
 * address, {@code localhost}, or a name given with {@code --allow-host} (a page on another site that re-points its
 * own name at 127.0.0.1, DNS rebinding, is refused). Not sent by another site's page: a browser's {@code Origin} or
 * {@code Sec-Fetch-Site} must say the request comes from this server's own page (cross-site request forgery is
 * refused, and no CORS header is ever sent). A body only as JSON or multipart form data (a form or {@code text/plain}
 * post, which browsers send cross-site without asking, is refused).
 */
final class RequestGuard {
    private final Set<String> names;

    RequestGuard(List<String> allowedHosts) {
        this.names = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /** @throws HttpError 403 (wrong host or another site's page) or 415 (a body of another type) */
    void check(HttpExchange ex) {
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host == null || !allowed(hostName(host))) {
            throw new HttpError(403, "requests must name this server by an IP address, localhost or a name given"
                    + " with --allow-host; got Host " + host);
        }
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin != null && !origin.equalsIgnoreCase("http://" + host)) {
            throw new HttpError(403, "cross-origin request from " + origin + " refused: only this server's own page"
                    + " may call the API");
        }
        String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            throw new HttpError(403, "request from another site (" + site + ") refused: only this server's own page"
                    + " may call the API");
        }
        if (ex.getRequestMethod().equals("POST")) {
            String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")).toLowerCase(Locale.ROOT);
            if (!type.startsWith("application/json") && !type.startsWith("multipart/form-data")) {
                throw new HttpError(415, "send the request as application/json or multipart/form-data, not "
                        + ex.getRequestHeaders().getFirst("Content-Type"));
            }
        }
    }

    /** The host of a Host header: {@code [::1]:8080} is {@code ::1}, {@code name:8080} is {@code name}. */
    private static String hostName(String header) {
        String h = header.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(1, end);
        }
        int colon = h.lastIndexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private boolean allowed(String host) {
        return host.equals("localhost") || names.contains(host) || isIpLiteral(host);
    }

    /** IPv4 dotted quads and IPv6 literals: a name no DNS can re-point. */
    private static boolean isIpLiteral(String host) {
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":") && host.matches("[0-9a-f:.]+");
    }
}

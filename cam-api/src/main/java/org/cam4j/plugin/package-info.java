/** How plugins are found: {@link java.util.ServiceLoader} providers with a name, a rank and aliases, resolved by name. */
package org.cam4j.plugin;

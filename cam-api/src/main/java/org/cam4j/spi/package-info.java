/** The plugin contracts, found with {@link java.util.ServiceLoader}: {@link org.cam4j.spi.CamMethod}, {@link org.cam4j.spi.ModelBackend}, their capabilities, the context and options a method is run with; plugins are found by name through {@link org.cam4j.plugin.ProviderRegistry}. */
package org.cam4j.spi;

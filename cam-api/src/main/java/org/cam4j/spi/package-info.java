/** The plugin contracts, found with {@link java.util.ServiceLoader}: {@link org.cam4j.spi.CamMethod}, {@link org.cam4j.spi.ModelBackend}, their capabilities, and the name-resolving {@link org.cam4j.spi.ProviderRegistry}. */
package org.cam4j.spi;

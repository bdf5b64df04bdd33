/** Where results go: the {@link org.cam4j.engine.store.OutputStore} contract, a local folder, unique output names. */
package org.cam4j.engine.store;

/** The {@code cam} command: explain, batch, methods, backends, layers, export, probe, bench and dff. */
package org.cam4j.cli;

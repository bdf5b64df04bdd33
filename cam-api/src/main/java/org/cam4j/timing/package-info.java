/** Where a run's time goes, by phase: {@link org.cam4j.timing.Timings}. */
package org.cam4j.timing;

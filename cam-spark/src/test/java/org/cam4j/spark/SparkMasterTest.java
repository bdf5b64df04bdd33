package org.cam4j.spark;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cam4j.engine.RequestException;
import org.junit.jupiter.api.Test;

/** Local masters' counts are checked before Spark starts (local[0] ended in Spark's stack trace, exit 3). */
class SparkMasterTest {
    @Test
    void localMastersTakeCountsFromOneUp() {
        for (String bad : new String[] {"local[0]", "local[2,0]", "local[99999999999999]", "local[5000]"}) {
            assertThatThrownBy(() -> SparkMaster.check(bad)).as(bad).isInstanceOf(RequestException.class)
                    .hasMessageContaining("take counts from 1 to 4096");
        }
        for (String good : new String[] {"local", "local[*]", "local[1]", "local[2,4]", "local[4096]"}) {
            assertThatCode(() -> SparkMaster.check(good)).as(good).doesNotThrowAnyException();
        }
    }
}

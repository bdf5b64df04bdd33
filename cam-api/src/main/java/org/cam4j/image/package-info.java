/** Images in and out: reading PNG, JPEG and BMP, preprocessing to an input batch, and the reference's JET overlay. */
package org.cam4j.image;

/** The sample contract shared by every stage: splits, raw-record headers and the project's topics. */
package io.streamaug.core;

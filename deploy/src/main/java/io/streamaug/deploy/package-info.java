/** How to run it: the one launcher with every command, and the demo on an embedded broker. */
package io.streamaug.deploy;

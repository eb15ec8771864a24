/**
 * Pipeline specs: the YAML that declares ops in order, groups, repeats, mixing, normalisation and
 * output, validated on load with errors that name the YAML path of the bad key.
 */
package io.streamaug.augment.spec;

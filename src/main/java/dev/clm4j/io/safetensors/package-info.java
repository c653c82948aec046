/**
 * The safetensors checkpoint format (F32 only), read with the validation rules of the reference
 * implementation and written byte-compatible with it, atomically.
 */
package dev.clm4j.io.safetensors;

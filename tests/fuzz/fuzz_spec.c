/* libFuzzer target: config.json through spec_parse, the parser and validator every bundle goes through. */
#include <stddef.h>
#include <stdint.h>

#include "runtime/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error err = { 0 };
	struct spec *spec = NULL;

	if (spec_parse((const char *)data, size, &spec, &err) == 0)
		spec_free(spec);
	return 0;
}

/* libFuzzer target: the `segtex run --config` parser. */
#include "cli/config.c"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static config cfg;
    char err[256];
    if (config_parse((const char *)data, size, "fuzz", &cfg, err, sizeof err) == 0) {
        /* everything it returns is in bounds and terminated */
        for (int i = 0; i < cfg.count; i++)
            if (strlen(cfg.entries[i].key) >= sizeof cfg.entries[i].key ||
                strlen(cfg.entries[i].value) > CONFIG_MAX_LINE)
                __builtin_trap();
    }
    return 0;
}

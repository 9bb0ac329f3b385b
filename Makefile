# danso: build, test and demo.  The README's two commands are `make demo`
# and `make test`; everything else here serves them.

CC      ?= cc
PKGS    := sqlite3 libpq libmicrohttpd jansson libsodium libutf8proc xlsxwriter zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wvla -Wformat=2
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Isrc -Ibuild/gen $(PKG_CFLAGS) -MMD -MP
LDLIBS  := $(PKG_LIBS) -lpthread -lm

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer

SRC      := $(shell find src -name '*.c' | sort)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
UNIT_SRC := $(wildcard tests/unit/*.c)
WEB      := $(shell find web -type f 2>/dev/null | sort)
DEFS     := $(shell find defs data -type f -name "*.csv" -o -type f -name "*.json" 2>/dev/null | sort)

OBJ      := $(SRC:%.c=build/%.o)
LIB_OBJ  := $(LIB_SRC:%.c=build/%.o)
SAN_OBJ  := $(SRC:%.c=build-san/%.o)
SAN_LIB  := $(LIB_SRC:%.c=build-san/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=build/%.o)
UNIT_SAN := $(UNIT_SRC:%.c=build-san/%.o)

.PHONY: all san test test-unit test-cli test-pg test-e2e demo deps fuzz bench clean

all: build/danso

build/gen/assets.c: $(WEB) $(DEFS) scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh $@ $(WEB) $(DEFS)

build/danso: $(OBJ) build/gen/assets.o
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

build-san/danso: $(SAN_OBJ) build/gen/assets.o
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

build/gen/assets.o: build/gen/assets.c
	$(CC) -std=c17 -O1 -c -o $@ $<

build/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build-san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

build/test_unit: $(LIB_OBJ) $(UNIT_OBJ) build/gen/assets.o
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

build-san/test_unit: $(SAN_LIB) $(UNIT_SAN) build/gen/assets.o
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

san: build-san/danso build-san/test_unit

# The whole suite: unit tests in both builds, command-line and API tests
# against the sanitizer binary, both store backends, the browser tests.
# Dependencies first (a fresh machine has no -dev packages), then a new make
# that sees them.
test:
	sh scripts/deps.sh test
	$(MAKE) all san build/test_unit
	sh tests/run.sh

test-unit: build/test_unit build-san/test_unit
	build/test_unit && build-san/test_unit

deps:
	sh scripts/deps.sh

demo: deps
	$(MAKE) all
	sh scripts/demo.sh

fuzz:
	sh tests/fuzz/build.sh

bench: all
	sh bench/run.sh

clean:
	rm -rf build build-san

-include $(OBJ:.o=.d) $(SAN_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) $(UNIT_SAN:.o=.d)

# layers.mk: the grader in layers, lowest first (grader/README.md,
# "Layers"). An object may use only its own layer and the layers below it:
# tests/layers.sh fails `make check` on a back edge, and each layer's unit
# tests (tests/unit/) link only that layer and below.
LAYER_BASE    := util
LAYER_KERNEL  := ipcstate vgxml diagnose ns debuginfo cgroup proctree
LAYER_TEST    := test
LAYER_PROCESS := sandbox run pool
LAYER_EXPECT  := expect suitelib conn
LAYER_SUITES  := exercise $(patsubst grader/%.c,%,$(wildcard grader/suites/*.c))
LAYER_ENGINE  := engine submission
LAYER_REPORT  := report options batch student doctor
LAYER_CLI     := ipcgrade
LAYERS        := BASE KERNEL TEST PROCESS EXPECT SUITES ENGINE REPORT CLI

UPTO_BASE     := $(LAYER_BASE)
UPTO_KERNEL   := $(UPTO_BASE) $(LAYER_KERNEL)
UPTO_TEST     := $(UPTO_KERNEL) $(LAYER_TEST)
UPTO_PROCESS  := $(UPTO_TEST) $(LAYER_PROCESS)
UPTO_EXPECT   := $(UPTO_PROCESS) $(LAYER_EXPECT)
UPTO_SUITES   := $(UPTO_EXPECT) $(LAYER_SUITES)
UPTO_ENGINE   := $(UPTO_SUITES) $(LAYER_ENGINE)
UPTO_REPORT   := $(UPTO_ENGINE) $(LAYER_REPORT)
UPTO_CLI      := $(UPTO_REPORT) $(LAYER_CLI)

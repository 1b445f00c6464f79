/* include-reference: the whole submission is one line that makes the
 * compiler read the reference solution (run.sh puts the workbook's path in
 * place of @ROOT@, as an attacker who knows the layout would). */
#include "@ROOT@/solutions/keys/ipckey.c"

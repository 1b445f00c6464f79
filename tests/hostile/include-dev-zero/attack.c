/* include-dev-zero: #include an endless file. The preprocessor reads it
 * into memory until something stops it. */
#include "/dev/zero"
int main(void) { return 0; }

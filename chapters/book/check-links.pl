#!/usr/bin/perl
# check-links.pl: every internal link and anchor of a built site resolves.
#
# Usage:  perl chapters/book/check-links.pl DIR...
#
# Reads every .html and .xhtml file under each DIR (the HTML site, or an
# unzipped EPUB) and checks:
#   - every href= and src= that is not an external URL names a file that
#     exists, and its #fragment an id (or <a name=>) in that file;
#   - no id appears twice in one file;
#   - nothing is loaded from the network: no src= and no <link href=> with
#     http:, https: or //, so the pages work offline from file://.
# Links to external pages (<a href="https://...">) are allowed.
# Prints one line per problem ("FILE: ..."), then a summary line; exits 1
# if there is a problem, 2 on bad usage.
use strict;
use warnings;
use File::Find;
use File::Basename qw(dirname);
use File::Spec;

@ARGV or die "usage: perl check-links.pl DIR...\n";

my @files;
for my $dir (@ARGV) {
    -d $dir or die "check-links.pl: no directory $dir\n";
    find({ no_chdir => 1, wanted => sub {
        push @files, $File::Find::name if /\.x?html?$/ && -f $_;
    } }, $dir);
}
@files = sort @files;

sub slurp {
    my ($f) = @_;
    open my $fh, '<:raw', $f or return undef;
    local $/;
    my $s = <$fh>;
    close $fh;
    return $s;
}

sub unescape {
    my ($s) = @_;
    $s =~ s/&quot;/"/g;
    $s =~ s/&lt;/</g;
    $s =~ s/&gt;/>/g;
    $s =~ s/&#(\d+);/chr($1)/ge;
    $s =~ s/&#x([0-9a-fA-F]+);/chr(hex $1)/ge;
    $s =~ s/&amp;/&/g;
    return $s;
}

sub pct_decode {
    my ($s) = @_;
    $s =~ s/%([0-9A-Fa-f]{2})/chr(hex $1)/ge;
    return $s;
}

my %ids;        # file => { id => 1 }
my @problems;
my $links = 0;

sub ids_of {
    my ($file) = @_;
    return $ids{$file} if $ids{$file};
    my %seen;
    my $text = slurp($file) // '';
    $text =~ s/<!--.*?-->//gs;
    while ($text =~ /<([a-zA-Z][\w:-]*)\b([^>]*)>/g) {
        my ($tag, $attrs) = ($1, $2);
        while ($attrs =~ /\s(id|name)\s*=\s*("([^"]*)"|'([^']*)')/g) {
            my ($kind, $v) = ($1, unescape(defined $3 ? $3 : $4));
            next if $kind eq 'name' && lc($tag) ne 'a';
            if ($kind eq 'id' && $seen{$v}++) {
                push @problems, "$file: id \"$v\" appears twice";
            }
            $seen{$v} = 1;
        }
    }
    return $ids{$file} = \%seen;
}

for my $file (@files) {
    ids_of($file);
    my $text = slurp($file) // '';
    $text =~ s/<!--.*?-->//gs;
    while ($text =~ /<([a-zA-Z][\w:-]*)\b([^>]*)>/g) {
        my ($tag, $attrs) = (lc $1, $2);
        while ($attrs =~ /\s(href|src|xlink:href)\s*=\s*("([^"]*)"|'([^']*)')/g) {
            my ($attr, $url) = ($1, unescape(defined $3 ? $3 : $4));
            if ($url =~ m{^(https?:)?//}i) {
                if ($attr eq 'src' || $tag eq 'link' || $tag eq 'script') {
                    push @problems, "$file: <$tag $attr=\"$url\"> loads from the network";
                }
                next;
            }
            next if $url =~ /^(mailto|data|tel):/i;
            $links++;
            my ($path, $frag) = $url =~ /^([^#]*)(?:#(.*))?$/;
            my $target = $file;
            if ($path ne '') {
                $target = File::Spec->catfile(dirname($file), pct_decode($path));
                if (!-e $target) {
                    push @problems, "$file: $attr=\"$url\": no file $path";
                    next;
                }
            }
            next unless defined $frag && $frag ne '';
            next unless $target =~ /\.x?html?$/;
            my $want = pct_decode($frag);
            if (!ids_of($target)->{$want}) {
                push @problems, "$file: $attr=\"$url\": no id \"$want\" in " .
                    ($path eq '' ? 'this page' : $path);
            }
        }
    }
}

print "$_\n" for @problems;
printf "check-links.pl: %d file(s), %d internal link(s), %d problem(s)\n",
    scalar @files, $links, scalar @problems;
exit(@problems ? 1 : 0);

package dev.nabla.cli;

import dev.nabla.cli.run.RunLock;

import java.nio.file.Path;

/** A second process for {@link RunFolderLockTest}: locks the folder in args[0], says so, and holds it until killed. */
public final class LockHolder {
    public static void main(String[] args) throws Exception {
        RunLock lock = RunLock.acquire(Path.of(args[0]), "nabla train");
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(120_000); // the test kills this process long before
        lock.close();
    }
}
